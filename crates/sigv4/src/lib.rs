//! portcullis-sigv4 (skeleton; being built)
