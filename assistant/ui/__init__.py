"""The Gradio workspace: a thin layer over the chat, workspace, review and checking services."""
