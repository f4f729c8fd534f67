"""The bare Django app `make bench` measures studyapp against: the minimum work for the same three jobs.

No middleware, no authentication (the user id comes in the request), raw SQL over its own tables
(schema.py), seeded with the same shape of data as studyapp (shape.Dataset). See views.py.
"""
