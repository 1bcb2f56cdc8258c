"""The optional C extension; everything else is in pyproject.toml.

optional=True: where the compiler or Python's headers are missing the build goes on without it and
planparse runs its Python code (compiled.py)."""
from setuptools import Extension, setup

setup(ext_modules=[
    Extension("planparse._speedups", ["src/planparse/_speedups.c"], optional=True),
    Extension("planparse._glyph_cache", ["src/planparse/_glyph_cache.c"], optional=True),
])
