"""The Streamlit pages: thin layers that read widgets and call the core.

Owns the three pages (`lab`, `gradient_descent`, `tour`), the frame they share
(`frame`), the lesson state in the URL and its field tables (`lesson`), the widgets
built from those tables (`controls`), shared live widgets and the error panel
(`widgets`), the backward step-through view (`stepper`), the player component
(`player` with its CSS and JS) and the server-process settings (`server_process`).

May import: streamlit, plotly and everything in `playground`. Nothing in
`playground` imports from here.
"""
