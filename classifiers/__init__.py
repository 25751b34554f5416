"""Classifiers: adverse events, PV special situations, ICSR criteria and personal data, in French and English."""
