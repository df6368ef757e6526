"""Autograd Playground: the table of contents. Each page lives in playground/ui/."""

import streamlit as st

from playground.ui.server_process import prepare_server_process
from playground.ui.workers import worker_pool

prepare_server_process()  # once per process: torch threads, GC (why: its docstring)
worker_pool()  # once per process: the workers that run students' programs
st.set_page_config(page_title="Autograd Playground", page_icon="∂", layout="wide")

pages = [
    st.Page(
        "playground/ui/lab.py", title="Expression lab", icon=":material/calculate:", default=True
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
