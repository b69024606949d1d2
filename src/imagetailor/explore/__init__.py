"""`tailor explore`: the full-screen explorer (Textual) and the view model under it."""
