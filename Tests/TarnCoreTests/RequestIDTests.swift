import Testing

@testable import TarnCore

@Suite struct RequestIDTests {
    @Test func idsLookLikeS3sAndNeverRepeat() {
        var seen = Set<String>()
        for _ in 0..<100_000 {
            let id = Identifiers.requestID()
            #expect(id.utf8.count == 16 && id.utf8.allSatisfy { (48...57).contains($0) || (65...70).contains($0) }, "\(id)")
            seen.insert(id)
        }
        #expect(seen.count == 100_000)
    }

    @Test func consecutiveIdsShareNoObviousPattern() {
        // A bare counter would differ only in its last digits.
        let first = Array(Identifiers.requestID().utf8), second = Array(Identifiers.requestID().utf8)
        #expect(zip(first, second).filter { $0 != $1 }.count >= 8)
    }

    @Test func hexOfAWordIsItsDigits() {
        #expect(Hex.encode(word: 0x0123_4567_89AB_CDEF, uppercase: true) == "0123456789ABCDEF")
        #expect(Hex.encode(word: 0) == "0000000000000000")
        #expect(Hex.encode(word: .max) == "ffffffffffffffff")
    }
}
