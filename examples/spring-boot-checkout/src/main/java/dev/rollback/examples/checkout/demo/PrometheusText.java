package dev.rollback.examples.checkout.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads the Prometheus text exposition format ({@code /actuator/prometheus}): one sample per line,
 * {@code name{label="value",...} number}; comments and blank lines are skipped.
 */
final class PrometheusText {

    /**
     * One sample.
     *
     * @param name   the sample's name, e.g. {@code rollback_calls_seconds_count}
     * @param labels its labels, in the order written
     * @param value  its value
     */
    record Sample(String name, Map<String, String> labels, double value) {

        /**
         * Returns whether the sample has every label given, with the value given.
         *
         * @param wanted label names and values, alternating
         * @return whether they all match
         */
        boolean has(String... wanted) {
            for (int i = 0; i + 1 < wanted.length; i += 2) {
                if (!wanted[i + 1].equals(labels.get(wanted[i]))) {
                    return false;
                }
            }
            return true;
        }
    }

    private PrometheusText() {
    }

    /**
     * Parses a scrape.
     *
     * @param text the body of a Prometheus scrape
     * @return its samples, in order
     * @throws IllegalArgumentException naming a line that is not a sample
     */
    static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            samples.add(parseLine(line));
        }
        return samples;
    }

    /**
     * Adds up the values of the samples with this name that match.
     *
     * @param samples a scrape
     * @param name    the sample name
     * @param filter  which samples count
     * @return the sum, 0 if none matched
     */
    static double sum(List<Sample> samples, String name, Predicate<Sample> filter) {
        double total = 0;
        for (Sample s : samples) {
            if (s.name().equals(name) && filter.test(s)) {
                total += s.value();
            }
        }
        return total;
    }

    private static Sample parseLine(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        int rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = line.substring(0, brace);
            rest = parseLabels(line, brace + 1, labels);
        } else if (space > 0) {
            name = line.substring(0, space);
            rest = space;
        } else {
            throw new IllegalArgumentException("not a sample line: '" + line + "'");
        }
        String[] fields = line.substring(rest).strip().split("\\s+");
        try {
            return new Sample(name, labels, parseValue(fields[0]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a sample value in line: '" + line + "'", e);
        }
    }

    /** Parses {@code a="x",b="y"}} from {@code start}; returns the index after the closing brace. */
    private static int parseLabels(String line, int start, Map<String, String> labels) {
        int i = start;
        while (i < line.length() && line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("bad labels in line: '" + line + "'");
            }
            String label = line.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\' && j + 1 < line.length()) {
                    char next = line.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
            }
            labels.put(label, value.toString());
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
        if (i >= line.length()) {
            throw new IllegalArgumentException("unclosed labels in line: '" + line + "'");
        }
        return i + 1;
    }

    private static double parseValue(String value) {
        return switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(value);
        };
    }
}
