"""Adverse-event layers, one concept per module: language, products, reactions, context, subject,
special situations, seriousness, ICSR criteria, features, the linear model, the transformer tier,
corpus readers and metrics. `classifiers.adverse_events.AdverseEventClassifier` composes them."""
