"""pvwatch: pharmacovigilance and GDPR screening of social media.

The shared core lives here: typed models, configuration, storage and the command line.
Feature folders (collectors/, classifiers/, moderation/, alerts/) sit at the repository root.
"""

__version__ = "0.1.0"
