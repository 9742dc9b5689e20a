//! portcullis-store (skeleton; being built)
