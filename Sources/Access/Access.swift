/// # Access
///
/// Who may do what: AWS Signature Version 4 (and the legacy SigV2 query form) verification and
/// signing, principals and credentials, and the IAM / bucket-policy language and its evaluation.
public enum AccessModule {}
