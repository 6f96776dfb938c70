package io.isohost.descriptor;

/** A relative SLA: requests to {@code faster} are answered faster than requests to {@code slower}. */
public record FasterThan(String faster, String slower) {
}
