//! portcullis-protocol (skeleton; being built)
