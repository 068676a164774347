"""Tests of the grading harness: the submission corpus and its expected outcomes."""
