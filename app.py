"""Launch the review workbench web UI: ``python app.py`` (default http://127.0.0.1:7860).

Honours Gradio's usual settings (``GRADIO_SERVER_NAME``, ``GRADIO_SERVER_PORT``) and the
workbench's own (``WORKBENCH_DB``, ``WORKBENCH_MODEL``, ``WORKBENCH_AUTH``); see README.md.
"""

from __future__ import annotations

if __name__ == "__main__":
    from workbench.ui import main

    main()
