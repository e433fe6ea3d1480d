"""The text layer: how the workbench reads, compares and writes text, in one place.

- :mod:`~workbench.text.zh`: what a Chinese character is (one class, rare Extension B+
  characters included), which half-width marks Chinese writes full-width (one table, one
  rule), Traditional → Simplified, and the matching form of Chinese text;
- :mod:`~workbench.text.en`: the English normaliser (lemmas on ``lemminflect``, phrase keys,
  match keys);
- :mod:`~workbench.text.html`: HTML to text (main text of whole pages, every block of fragments);
- :mod:`~workbench.text.files`: writing files and folders atomically.

This is the bottom layer: it imports nothing else from the workbench but
:mod:`workbench.errors`.
"""
