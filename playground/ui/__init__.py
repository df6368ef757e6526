"""The Streamlit pages: thin layers that read session state and call the core."""
