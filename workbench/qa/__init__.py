"""Quality checks on English→Chinese translations, each flag saying what is wrong and where.

Checks (names as they appear in flags, registered in :data:`CHECKS` with their risk weight
and severity): ``empty``, ``number``, ``term``, ``consistency``, ``untranslated``,
``script``, ``repetition``, ``length``, ``punctuation``. Use
:func:`run_checks` for one segment and :func:`check_document` for a document (it adds
consistency across segments); :mod:`workbench.qa.batch` runs them over a JSONL file of
batch-translation output.
"""

from workbench.qa.flags import QAFlag
from workbench.qa.registry import CHECK_NAMES, CHECKS, CheckInput, CheckSpec
from workbench.qa.runner import check_document, run_checks
from workbench.qa.term_usage import DocumentContext

__all__ = ["CHECKS", "CHECK_NAMES", "CheckInput", "CheckSpec", "DocumentContext", "QAFlag", "check_document",
           "run_checks"]
