"""Autograd Playground: the table of contents. Each page lives in playground/ui/.

`streamlit run app.py` finds `app` below and serves it: its lifespan starts the worker
pool and the server's imports when the server starts, not in the first visitor's page
(playground/ui/server_start.py says why). Streamlit runs this same file as the page
script (`__main__`) for every visit and rerun.
"""

import streamlit as st

from playground.ui.server_start import lifespan


def _pages() -> None:
    # Done by the server's start (the lifespan) on a served app; a page that comes while
    # it is still going waits only for the modules it imports itself. Under AppTest,
    # which has no server, the first run does it. The worker pool is asked for where a
    # program runs (playground/ui/workers.py), so a page shows its frame while the pool
    # is still starting.
    from playground.ui.graph_view import preload_graph_view
    from playground.ui.server_process import prepare_server_process

    with st.sidebar:  # out of the pages' way; an element with no content
        preload_graph_view()  # the browser loads Graphviz while the server gets ready
    prepare_server_process()  # once per process: torch threads, GC (why: its docstring)
    st.set_page_config(page_title="Autograd Playground", page_icon="∂", layout="wide")
    pages = [
        st.Page(
            "playground/ui/lab.py",
            title="Expression lab",
            icon=":material/calculate:",
            default=True,
        ),
        st.Page(
            "playground/ui/gradient_descent.py",
            title="Gradient descent",
            icon=":material/trending_down:",
            url_path="gradient-descent",
        ),
        st.Page(
            "playground/ui/tour.py",
            title="Tour of the tutorial",
            icon=":material/explore:",
            url_path="tour",
        ),
    ]
    st.navigation(pages).run()


if __name__ == "__main__":
    _pages()
else:  # imported by `streamlit run` (uvicorn) to find the app it serves
    app = st.App("app.py", lifespan=lifespan)
