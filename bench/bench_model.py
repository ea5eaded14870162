"""Measure the embedded model on this machine and print the figures.

    .venv/bin/python bench/bench_model.py [--model qwen2.5-coder-1.5b]

Prints: assembly (or reuse) seconds, load seconds, RSS, prompt-processing
(prefill) tokens/s, generation tokens/s (free text and JSON-schema
constrained), and what reusing a shared prompt prefix saves. The token counts
and rates come from llama.cpp's own `timings` in each response.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import psutil  # noqa: E402

from summariser.embedded import DEFAULT_MODEL, EmbeddedServer, resolve_model_path  # noqa: E402

# Varied news-like sentences, so the prompt is not one repeated string
# (repetition is cheap to tokenize and unlike a real article).
_SUBJECTS = ["The minister", "A spokesperson for the council", "The company's chief executive",
             "Local residents", "The opposition leader", "An independent analyst",
             "The regional health authority", "Union representatives"]
_VERBS = ["said on Tuesday that", "told reporters that", "argued in a statement that",
          "warned that", "confirmed that", "denied claims that", "announced that"]
_CLAUSES = ["the budget for road repairs would rise by 12 percent next year",
            "the plant would close in March, affecting about 400 jobs",
            "water prices had been frozen until the end of the review",
            "the inquiry had found no evidence of wrongdoing by officials",
            "the new rail line would open two years later than planned",
            "emergency funding of 3.5 million euros had been approved",
            "the vote on the housing plan had been postponed to June",
            "talks with the regulator were expected to resume next week"]


def article_text(sentences: int, seed: int = 0) -> str:
    lines = []
    for i in range(sentences):
        k = i + seed
        lines.append(f"{_SUBJECTS[k % 8]} {_VERBS[(k * 3) % 7]} {_CLAUSES[(k * 5) % 8]}.")
    return " ".join(lines)


def count_tokens(server: EmbeddedServer, text: str) -> int:
    root = server.base_url.removesuffix("/v1")
    request = urllib.request.Request(
        root + "/tokenize", data=json.dumps({"content": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return len(json.load(response)["tokens"])


def text_of_tokens(server: EmbeddedServer, target: int, seed: int = 0) -> str:
    sentences = 8
    while count_tokens(server, article_text(sentences, seed)) < target:
        sentences += 8
    return article_text(sentences, seed)


def chat(server: EmbeddedServer, messages: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
    body = {"model": server.model_id, "messages": messages, "temperature": 0, **extra}
    request = urllib.request.Request(
        server.base_url + "/chat/completions", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        reply = json.load(response)
    reply["wall_seconds"] = time.perf_counter() - started
    return reply


STATEMENTS_SCHEMA = {
    "type": "object",
    "properties": {
        "statements": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "speaker": {"type": "string"},
                    "claim": {"type": "string"},
                    "quote": {"type": "string"},
                },
                "required": ["speaker", "claim", "quote"],
            },
        }
    },
    "required": ["statements"],
}


def measure_prefill(server: EmbeddedServer, prompt_tokens: int) -> dict[str, Any]:
    text = text_of_tokens(server, prompt_tokens, seed=1)
    reply = chat(server, [{"role": "user", "content": f"Article:\n{text}\n\nSummarise it."}],
                 max_tokens=1, cache_prompt=False)
    return reply["timings"]


def measure_generation(server: EmbeddedServer, tokens: int, constrained: bool) -> dict[str, Any]:
    text = article_text(12, seed=2)
    extra: dict[str, Any] = {"max_tokens": tokens}
    if constrained:
        extra["response_format"] = {"type": "json_schema",
                                    "json_schema": {"name": "statements", "schema": STATEMENTS_SCHEMA}}
    prompt = f"Article:\n{text}\n\nList every statement in the article with its speaker."
    reply = chat(server, [{"role": "user", "content": prompt}], **extra)
    return reply["timings"]


def measure_prefix_reuse(server: EmbeddedServer, prefix_tokens: int) -> dict[str, Any]:
    """Two questions on one article: the second reuses the article's KV cache."""
    article = text_of_tokens(server, prefix_tokens, seed=3)
    system = {"role": "system", "content": f"You extract facts from this article.\n\n{article}"}

    def ask(question: str, cache: bool) -> dict[str, Any]:
        return chat(server, [system, {"role": "user", "content": question}],
                    max_tokens=8, cache_prompt=cache)

    first = ask("Who is quoted first?", cache=True)
    second = ask("Which sums of money are mentioned?", cache=True)
    uncached = ask("Which sums of money are mentioned?", cache=False)
    return {"first": first, "second": second, "uncached": uncached}


def mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL, help="registry name or .gguf path")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--ctx", type=int, default=8192)
    parser.add_argument("--prompt-tokens", type=int, default=2000)
    parser.add_argument("--gen-tokens", type=int, default=128)
    parser.add_argument("--prefix-tokens", type=int, default=600)
    parser.add_argument("--verbose", action="store_true", help="show llama.cpp's log")
    args = parser.parse_args(argv)

    process = psutil.Process()
    started = time.perf_counter()
    path = resolve_model_path(args.model)
    print(f"model            {args.model}: {path} ({mib(path.stat().st_size)})")
    print(f"resolve/assemble {time.perf_counter() - started:.2f} s")

    rss_before = process.memory_info().rss
    with EmbeddedServer(path, threads=args.threads, ctx_size=args.ctx,
                        verbose=args.verbose) as server:
        print(f"threads, ctx     {server.threads}, {server.ctx_size}")
        print(f"load             {server.load_seconds:.2f} s")
        print(f"RSS after load   {mib(process.memory_info().rss)} "
              f"(+{mib(process.memory_info().rss - rss_before)})")

        prefill = measure_prefill(server, args.prompt_tokens)
        print(f"prefill          {prefill['prompt_n']} tokens in {prefill['prompt_ms'] / 1000:.2f} s"
              f" = {prefill['prompt_per_second']:.1f} tok/s")

        for constrained in (False, True):
            gen = measure_generation(server, args.gen_tokens, constrained)
            label = "gen (json)      " if constrained else "gen (free)      "
            print(f"{label} {gen['predicted_n']} tokens in {gen['predicted_ms'] / 1000:.2f} s"
                  f" = {gen['predicted_per_second']:.1f} tok/s")

        reuse = measure_prefix_reuse(server, args.prefix_tokens)
        for key in ("first", "second", "uncached"):
            t = reuse[key]["timings"]
            print(f"prefix {key:<9} cached {t['cache_n']:>4}, evaluated {t['prompt_n']:>4} tokens,"
                  f" prompt {t['prompt_ms']:.0f} ms, wall {reuse[key]['wall_seconds']:.2f} s")
        gain = reuse["uncached"]["timings"]["prompt_ms"] / reuse["second"]["timings"]["prompt_ms"]
        print(f"prefix reuse     prompt time x{gain:.1f} faster on the second call")
        print(f"peak RSS         {mib(process.memory_info().rss)}")

    print(f"server stopped   port {server.port} closed")


if __name__ == "__main__":
    main()
