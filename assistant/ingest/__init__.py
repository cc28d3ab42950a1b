"""Reading source files, cutting them into cited chunks, and storing them."""
