package io.runwarden.runs;

/** The processor's side of an {@link IndexView}: it also writes. */
final class WritableIndex extends IndexView {
    private final IndexWrites store;

    WritableIndex(IndexWrites store, IndexSpace space) {
        super(store, space);
        this.store = store;
    }

    void put(String key, String value) {
        store.put(space().key(key), value);
    }

    void delete(String key) {
        store.delete(space().key(key));
    }
}
