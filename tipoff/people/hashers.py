"""A cheaper Argon2 password hasher, used only when running the tests.

It writes ordinary ``argon2`` hashes (so the production hasher verifies them)
with less memory and time, which keeps fixtures that create staff fast.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class LightArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8192
    parallelism = 1
