"""The public JSON API under ``/api/v1``, described by an OpenAPI 3 document generated from the
code (flask-smorest and marshmallow), with personal API tokens for partner channels and staff."""
