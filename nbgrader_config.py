"""nbgrader configuration of chapter 19 (RNN 網路建構), the instructor's course.

Instructors edit ``solutions/<id>/<id>.ipynb``; ``make release`` writes the student
versions to ``notebooks/<id>/``; submissions go to ``submitted/<student>/<id>/``.

Autograding (``nbgrader autograde``, ``make autograde`` or formgrader's button) never runs
a submission outside the grading sandbox, and its scores are the sandboxed harness's:
see :mod:`autograder.nbgrader_plugin`. Without a working bubblewrap it refuses to grade;
set ``c.SandboxVerdict.allow_unsandboxed = True`` to grade without isolation anyway.
"""

from pathlib import Path

c = get_config()  # noqa: F821 - provided by nbgrader/traitlets

c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.course_id = "ch19_rnn"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
# only notebooks and figures students may see belong in a solutions/<id>/ folder
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# The slowest cell is Lab03's training (< 60 s in full, shortened under NBGRADER_EXECUTION);
# 180 s leaves room on a loaded 2-core machine while still stopping an infinite loop.
c.Execute.timeout = 180
c.Execute.interrupt_on_timeout = True
c.Execute.kernel_name = "python3"

# The trust path: the kernel runs sandboxed and public-only; the grades are the sandbox's.
c.Autograde.autograde_preprocessors = [
    "autograder.nbgrader_plugin.PublicTestsInKernel",
    "autograder.nbgrader_plugin.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "autograder.nbgrader_plugin.SandboxVerdict",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

c.ClearSolutions.code_stub = {
    "python": "# 請在這裡寫下你的程式碼 (YOUR CODE HERE)\nraise NotImplementedError()"
}
c.ClearSolutions.text_stub = "請在這裡寫下你的答案 (YOUR ANSWER HERE)"
