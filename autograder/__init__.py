"""Instructor-side grading: reference solutions, hidden checks and the grading harness.

Never shipped to students.
"""
