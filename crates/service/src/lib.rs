//! portcullis-service (skeleton; being built)
