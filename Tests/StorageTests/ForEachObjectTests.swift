import Foundation
import Testing

@testable import Storage

/// `forEachObject` walks every object under a prefix once, in key order, across listing pages.
@Suite struct ForEachObjectTests {
    @Test func visitsEveryObjectOnceAcrossPages() async throws {
        let fixture = try await StoreFixture()
        defer { fixture.directory.remove() }
        // 2,050 keys under the prefix span three pages of 1,000; one key outside must not appear.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for batch in 0..<10 {
                group.addTask {
                    for index in stride(from: batch, to: 2050, by: 10) {
                        try await fixture.store.put(bucket: "test-bucket", key: "p/\(String(format: "%05d", index))", bytes: [UInt8(index % 251)])
                    }
                }
            }
            try await group.waitForAll()
        }
        try await fixture.store.put(bucket: "test-bucket", key: "q/outside", bytes: [1])
        var keys: [String] = []
        try fixture.store.forEachObject(bucket: "test-bucket", prefix: "p/") { keys.append($0.key) }
        #expect(keys == (0..<2050).map { "p/\(String(format: "%05d", $0))" })
    }
}
