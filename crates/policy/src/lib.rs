//! portcullis-policy (skeleton; being built)
