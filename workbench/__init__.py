"""English→Chinese translation and alignment workbench for official trade and government wording.

The pipeline runs in small stages, each a module with a narrow interface over plain
dataclasses: :mod:`workbench.ingest` → :mod:`workbench.segment` → :mod:`workbench.translate`
→ :mod:`workbench.align` → review (:mod:`workbench.store`, :mod:`workbench.ui`) →
:mod:`workbench.export`. :mod:`workbench.pipeline` wires them for the UI and the CLI.
"""

__version__ = "0.1.0"
