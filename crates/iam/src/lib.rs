//! portcullis-iam (skeleton; being built)
