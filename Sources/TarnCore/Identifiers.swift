/// Random identifiers for requests, uploads and runs.
public enum Identifiers {
    /// A random identifier of `byteCount` bytes rendered as uppercase hex, like S3 request ids.
    /// - Parameter byteCount: how many random bytes (the string is twice as long).
    /// - Returns: the hex string.
    public static func randomHex(byteCount: Int = 8, uppercase: Bool = true) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: byteCount)
        for index in bytes.indices { bytes[index] = generator.next() }
        return Hex.encode(bytes, uppercase: uppercase)
    }

    /// A URL-safe random token (letters and digits) of the given length, for upload ids and keys.
    /// - Parameter length: the number of characters.
    /// - Returns: the token.
    public static func randomToken(length: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
    }
}
