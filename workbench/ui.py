"""The review web UI (Gradio Blocks). A thin shell over :mod:`workbench.pipeline`."""

from __future__ import annotations

import argparse
import os


def build_app():
    """The Gradio app: paste an article, see its sentences."""
    import gradio as gr

    from workbench.errors import WorkbenchError
    from workbench.ingest import clean_text, detect_format
    from workbench.segment import segment_text

    def segment(text: str) -> list[list]:
        try:
            article = clean_text(text or "", source_format=detect_format(text or ""))
        except WorkbenchError as err:
            raise gr.Error(str(err)) from None
        return [[s.index, s.paragraph, s.text] for s in segment_text(article.text, "en")]

    with gr.Blocks(title="Translation workbench") as app:
        gr.Markdown("# Translation workbench")
        source = gr.Textbox(label="English article", lines=10, elem_id="source-text")
        run = gr.Button("Segment", elem_id="run")
        table = gr.Dataframe(headers=["#", "paragraph", "sentence"], interactive=False, elem_id="segments")
        run.click(segment, inputs=source, outputs=table)
    return app


def main(argv: list[str] | None = None) -> None:
    """Serve the UI; host and port default to Gradio's settings (127.0.0.1:7860)."""
    parser = argparse.ArgumentParser(description="Serve the translation workbench UI.")
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    args = parser.parse_args(argv)
    build_app().launch(server_name=args.host, server_port=args.port)
