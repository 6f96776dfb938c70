package io.isohost.descriptor;

import java.util.ArrayList;
import java.util.List;

/**
 * How many service containers of which shapes a service may use for its replicable components.
 * Stateful components get their own containers besides these. The operator changes it while the
 * service runs; {@link #withTotal(int)} is how.
 */
public record Allocation(List<Entry> entries) {

    /** {@code count} containers of {@code shape}. */
    public record Entry(ContainerShape shape, int count) {
        public Entry {
            if (count < 0) {
                throw new IllegalArgumentException("allocation of shape '" + shape.name() + "' must not be negative: " + count);
            }
        }
    }

    public Allocation {
        entries = List.copyOf(entries);
    }

    public static Allocation of(ContainerShape shape, int count) {
        return new Allocation(List.of(new Entry(shape, count)));
    }

    public int total() {
        return entries.stream().mapToInt(Entry::count).sum();
    }

    /** One shape per allocated container, in the order of the entries: slot {@code i} is container {@code i + 1}. */
    public List<ContainerShape> slots() {
        List<ContainerShape> slots = new ArrayList<>();
        for (Entry e : entries) {
            for (int i = 0; i < e.count(); i++) {
                slots.add(e.shape());
            }
        }
        return List.copyOf(slots);
    }

    /**
     * The same allocation grown or shrunk to {@code total} containers. Growth goes to the last entry's
     * shape; shrinking takes containers from the end, so the first containers keep their shapes.
     */
    public Allocation withTotal(int total) {
        if (total < 0) {
            throw new IllegalArgumentException("an allocation must not be negative: " + total);
        }
        if (entries.isEmpty()) {
            throw new IllegalStateException("an empty allocation has no shape to grow with");
        }
        List<Entry> result = new ArrayList<>();
        int left = total;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            boolean last = i == entries.size() - 1;
            int count = last ? left : Math.min(e.count(), left);
            result.add(new Entry(e.shape(), count));
            left -= count;
        }
        return new Allocation(result);
    }
}
