import TarnCore
import TarnTesting
import Testing

@testable import Storage

@Suite struct ListingTests {
    func store(keys: [String]) async throws -> StoreFixture {
        let fixture = try await StoreFixture()
        for key in keys { try await fixture.store.put(bucket: "test-bucket", key: key, bytes: []) }
        return fixture
    }

    /// Collects every page, following markers, to check pagination loses and repeats nothing.
    func listAll(_ store: ObjectStore, prefix: String = "", delimiter: String? = nil, pageSize: Int) throws -> (keys: [String], prefixes: [String], pages: Int) {
        var keys: [String] = [], prefixes: [String] = [], marker: String? = nil, pages = 0
        repeat {
            let page = try store.list(bucket: "test-bucket", prefix: prefix, delimiter: delimiter, after: marker, maxKeys: pageSize)
            keys += page.objects.map(\.key)
            prefixes += page.commonPrefixes
            marker = page.nextMarker
            pages += 1
            #expect(page.objects.count + page.commonPrefixes.count <= pageSize)
        } while marker != nil
        return (keys, prefixes, pages)
    }

    @Test func keysSortByUTF8Bytes() async throws {
        // Byte order differs from Unicode-aware order: "Z" (0x5A) < "a" (0x61) < "é" (0xC3 0xA9) < "😀".
        let fixture = try await store(keys: ["é", "a", "Z", "😀", "a/b", "a-"])
        defer { fixture.directory.remove() }
        let page = try fixture.store.list(bucket: "test-bucket")
        #expect(page.objects.map(\.key) == ["Z", "a", "a-", "a/b", "é", "😀"])
    }

    @Test func delimiterRollsUpCommonPrefixes() async throws {
        let fixture = try await store(keys: ["photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/index.html", "readme", "videos/x.mp4"])
        defer { fixture.directory.remove() }
        let top = try fixture.store.list(bucket: "test-bucket", delimiter: "/")
        #expect(top.commonPrefixes == ["photos/", "videos/"])
        #expect(top.objects.map(\.key) == ["readme"])
        let photos = try fixture.store.list(bucket: "test-bucket", prefix: "photos/", delimiter: "/")
        #expect(photos.commonPrefixes == ["photos/2024/", "photos/2025/"])
        #expect(photos.objects.map(\.key) == ["photos/index.html"])
        let partial = try fixture.store.list(bucket: "test-bucket", prefix: "pho")
        #expect(partial.objects.count == 4)
    }

    @Test(arguments: [1, 2, 3, 7, 1000])
    func paginationVisitsEachEntryOnce(pageSize: Int) async throws {
        var keys: [String] = []
        for group in 0..<5 {
            for item in 0..<4 { keys.append("g\(group)/item\(item)") }
            keys.append("g\(group)-top")
        }
        let fixture = try await store(keys: keys)
        defer { fixture.directory.remove() }
        let flat = try listAll(fixture.store, pageSize: pageSize)
        #expect(flat.keys == keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        let rolled = try listAll(fixture.store, delimiter: "/", pageSize: pageSize)
        #expect(rolled.prefixes == ["g0/", "g1/", "g2/", "g3/", "g4/"])
        #expect(rolled.keys == ["g0-top", "g1-top", "g2-top", "g3-top", "g4-top"])
    }

    @Test func startAfterAndMaxKeysZero() async throws {
        let fixture = try await store(keys: ["a", "b", "c"])
        defer { fixture.directory.remove() }
        #expect(try fixture.store.list(bucket: "test-bucket", after: "a").objects.map(\.key) == ["b", "c"])
        #expect(try fixture.store.list(bucket: "test-bucket", after: "bb").objects.map(\.key) == ["c"])
        let empty = try fixture.store.list(bucket: "test-bucket", maxKeys: 0)
        #expect(empty.objects.isEmpty)
        #expect(empty.isTruncated)
    }
}
