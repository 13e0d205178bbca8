# vm-backend/: see its README or header comments.
