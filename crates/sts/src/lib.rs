//! portcullis-sts (skeleton; being built)
