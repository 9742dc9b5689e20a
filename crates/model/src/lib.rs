//! portcullis-model (skeleton; being built)
