"""Personal data (GDPR) detection: French and English recognizers on Presidio."""
