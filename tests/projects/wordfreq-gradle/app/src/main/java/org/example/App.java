package org.example;

import com.google.common.collect.ImmutableMultiset;
import com.google.common.collect.Multisets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;

public class App {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        ImmutableMultiset.Builder<String> words = ImmutableMultiset.builder();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            for (String word : line.toLowerCase().split("\\W+")) {
                if (!word.isEmpty()) words.add(word);
            }
        }
        int top = Integer.parseInt(System.getenv().getOrDefault("WORDFREQ_TOP", "10"));
        Multisets.copyHighestCountFirst(words.build()).entrySet().stream().limit(top)
                .forEach(e -> System.out.println(e.getCount() + " " + e.getElement()));
    }
}
