/// A bounded map that keeps what was used recently, in O(1) per operation.
///
/// Two generations: lookups try the young one, then the old one (a hit there moves the entry to
/// the young one); when the young one is full it becomes the old one and the previous old one
/// is dropped. Anything used within the last `generationSize` insertions is kept, so a working
/// set of up to `generationSize` entries stays cached however long it is read, and at most
/// `2 × generationSize` entries are held. A single map emptied when full (what the key caches
/// did before) keeps on average half its size and misses most reads of a working set larger
/// than itself.
public struct RecentCache<Key: Hashable, Value> {
    private var young: [Key: Value] = [:]
    private var old: [Key: Value] = [:]
    /// Entries per generation.
    public let generationSize: Int

    /// An empty cache holding at most `2 × generationSize` entries.
    public init(generationSize: Int) {
        precondition(generationSize > 0, "a cache generation holds at least one entry")
        self.generationSize = generationSize
    }

    /// The value kept for `key`, if any (and marks it used).
    public mutating func value(for key: Key) -> Value? {
        if let value = young[key] { return value }
        guard let value = old.removeValue(forKey: key) else { return nil }
        insert(value, for: key)
        return value
    }

    /// Keeps `value` for `key`.
    public mutating func insert(_ value: Value, for key: Key) {
        if young.count >= generationSize, young[key] == nil {
            old = young
            young = Dictionary(minimumCapacity: generationSize)
        }
        young[key] = value
    }

    /// How many entries are kept, at most (a key replaced while its old value sits in the old
    /// generation is counted twice until that generation is dropped; the old value is never
    /// returned, because the young generation is looked up first).
    public var count: Int { young.count + old.count }
}

extension RecentCache: Sendable where Key: Sendable, Value: Sendable {}
