"""The integration API for chatbots, CRMs and call-centre tools: `/api/v1/classify` and `/api/v1/posts`."""
