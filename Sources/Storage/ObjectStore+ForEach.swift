extension ObjectStore {
    /// Calls `body` with every object under `prefix`, in key order, reading the listing a page of
    /// 1,000 at a time (memory stays flat however many objects there are).
    public func forEachObject(bucket: String, prefix: String = "", _ body: (ObjectInfo) throws -> Void) throws {
        var after: String? = nil
        while true {
            let page = try list(bucket: bucket, prefix: prefix, after: after, maxKeys: 1000)
            for object in page.objects { try body(object) }
            guard page.isTruncated, let next = page.nextMarker ?? page.objects.last?.key else { return }
            after = next
        }
    }
}
