"""The PyTorch side of `npm run bench -- --peer`: the same three workloads as the engine's bench
(one training step of the default MLP and of the default CNN, batch 64, SGD with momentum 0.9;
one Hessian-vector product of the default MLP on 1,000 samples by double backprop), timed on the
CPU with a given number of threads. Prints one JSON object. Inputs are random: the timing of these
dense float32 kernels does not depend on the values.

usage: python3 scripts/peer/torch_peer.py [--threads N] [--seconds S]
"""
import argparse
import json
import time

import torch
import torch.nn as nn


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def cnn():
    # The engine's default CNN: 3x3 'same' convolutions with 16 and 32 channels, each followed by ReLU
    # and a 2x2 max-pool, then a 128-unit ReLU layer and the linear head.
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(7 * 7 * 32, 128), nn.ReLU(), nn.Linear(128, 10),
    )


def timed(work, seconds, warmup=3):
    for _ in range(warmup):
        work()
    count, started = 0, time.perf_counter()
    while True:
        work()
        count += 1
        elapsed = time.perf_counter() - started
        if elapsed >= seconds and count >= 5:
            return elapsed / count * 1000


def train_step_ms(model, images, seconds):
    labels = torch.randint(0, 10, (images.shape[0],))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        loss.item()

    return timed(step, seconds)


def hvp_ms(samples, seconds):
    model = mlp()
    images = torch.randn(samples, 1, 28, 28)
    labels = torch.randint(0, 10, (samples,))
    params = [p for p in model.parameters()]
    vector = [torch.randn_like(p) for p in params]

    def hvp():
        loss = nn.functional.cross_entropy(model(images), labels)
        grads = torch.autograd.grad(loss, params, create_graph=True)
        dot = sum((g * v).sum() for g, v in zip(grads, vector))
        hv = torch.autograd.grad(dot, params)
        hv[0].sum().item()

    return timed(hvp, seconds)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    result = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "mlpStepMs": train_step_ms(mlp(), torch.randn(64, 1, 28, 28), args.seconds),
        "cnnStepMs": train_step_ms(cnn(), torch.randn(64, 1, 28, 28), args.seconds),
        "hvpMs": hvp_ms(1000, args.seconds),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
