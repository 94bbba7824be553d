/// # Keys
///
/// Tarn's key management service: the KMS of the retail design. It owns customer managed keys
/// (symmetric AES-256), their versions, aliases, key policies and grants, and the cryptography
/// that uses them (AES-256-GCM with the encryption context as additional authenticated data),
/// plus the append-only audit log of every key use.
///
/// ```
///  KeyManagementService (operations: CreateKey, Encrypt, Decrypt, GenerateDataKey, …)
///     ├── authorize ──▶ KeyAuthorizer (key policy + IAM, supplied by the layer above) + grants
///     ├── KeyStore ── SQLite keys.db: keys · key_versions (wrapped material) · aliases · grants
///     │      └── RootKey (operator's 32 bytes) wraps every version's material: AES-256-GCM
///     ├── KeyCiphertext ── opaque blob: format · key id · version · nonce · ciphertext · tag
///     └── AuditLog ── audit/kms.jsonl, one JSON line per use: who, key, operation, context, decision
/// ```
///
/// **Material never leaves in plaintext.** Key versions are stored wrapped by the root key; the
/// plaintext of a version exists only in this process's memory while the key is usable. Data keys
/// (GenerateDataKey) are returned to the caller, which is the point of envelope encryption.
///
/// **Nothing here knows HTTP.** The server's `TrentService` JSON handler and the object store's
/// server-side encryption both call `KeyManagementService` in-process with a `KeyCaller`.
public enum KeysModule {}
