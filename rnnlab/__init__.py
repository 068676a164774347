"""Helpers for chapter 19 (RNN 網路建構): data, figures, gradient checks, training, checks.

This package ships to students: it holds no solution to any graded exercise.
"""

__version__ = "0.1.0"
