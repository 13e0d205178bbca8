# bench/: see its README or header comments.
