import Synchronization

/// Identifiers for requests, uploads and runs.
public enum Identifiers {
    /// A request id: 16 uppercase hex digits, like S3's `x-amz-request-id`, unique within the
    /// process.
    ///
    /// A counter run twice through a bijective 64-bit mix, each time after an XOR with a key
    /// drawn once per process: no two ids repeat (every step is a permutation), consecutive ids
    /// look unrelated, and a request skips the `getrandom` system call a random id costs (0.5 %
    /// of a small GET). Ids label requests in logs and errors; they are not secrets and nothing
    /// relies on them being unpredictable.
    public static func requestID() -> String {
        let count = UInt64(truncatingIfNeeded: requestCounter.add(1, ordering: .relaxed).newValue)
        return Hex.encode(word: mix(mix(count ^ requestKeys.0) ^ requestKeys.1), uppercase: true)
    }

    /// splitmix64's finalizer: xor-shifts and odd multipliers, each invertible.
    private static func mix(_ value: UInt64) -> UInt64 {
        var mixed = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    private static let requestKeys: (UInt64, UInt64) = {
        var generator = SystemRandomNumberGenerator()
        return (generator.next(), generator.next())
    }()
    private static let requestCounter = Atomic<Int>(0)

    /// A random identifier of `byteCount` bytes rendered as uppercase hex, like S3 request ids.
    /// - Parameter byteCount: how many random bytes (the string is twice as long).
    /// - Returns: the hex string.
    public static func randomHex(byteCount: Int = 8, uppercase: Bool = true) -> String {
        Hex.encode(randomBytes(byteCount), uppercase: uppercase)
    }

    /// `count` bytes from the system's cryptographically secure generator.
    ///
    /// Taken eight at a time: each draw from `SystemRandomNumberGenerator` is a `getrandom`
    /// system call, and drawing `UInt8`s one by one made a request id cost eight of them.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < count {
                var word = generator.next() as UInt64
                let take = min(8, count - offset)
                withUnsafeBytes(of: &word) { buffer.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: take) }
                offset += take
            }
        }
        return bytes
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
