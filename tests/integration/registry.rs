//! Every registry entry is listed by `optbench list` and parses from its own name.

use std::collections::BTreeSet;

use assert_cmd::Command;

/// The entry names in a `list` output: lines indented by exactly two spaces.
fn listed_names(category: &str) -> BTreeSet<String> {
    let out = Command::cargo_bin("optbench")
        .unwrap()
        .args(["list", category])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

#[test]
fn every_optimizer_is_listed_and_parses_from_its_name() {
    let listed = listed_names("optimizers");
    let registered: BTreeSet<String> = optbench::optim::entries()
        .map(|e| e.name.to_string())
        .collect();
    assert_eq!(listed, registered);
    let spec_table = [
        "sgd",
        "momentum",
        "adagrad",
        "adadelta",
        "rmsprop",
        "rprop",
        "adam",
        "adamw",
        "nadam",
        "radam",
        "adamax",
        "lion",
        "ars",
        "asgd",
        "lbfgs",
        "muon",
        "adafactor",
        "schedule_free_sgd",
        "schedule_free_adamw",
        "prodigy",
        "dadapt_sgd",
        "dadapt_adam",
    ];
    // The documented optimizers, first and in order; an optimizer added since (its file in
    // src/optim and one registry line) follows them.
    let names: Vec<&str> = optbench::optim::entries().map(|e| e.name).collect();
    assert_eq!(names[..spec_table.len()], spec_table);
    for name in &listed {
        let spec = optbench::optim::parse(name).unwrap();
        assert_eq!(spec.params.entry(), name);
    }
}

#[test]
fn every_schedule_is_listed_and_parses_from_its_name() {
    let listed = listed_names("schedules");
    let spec_table = [
        "constant",
        "step",
        "exponential",
        "inverse_time",
        "inverse_sqrt",
        "cosine",
        "warmup_cosine",
        "plateau",
        "one_cycle",
        "cosine_restarts",
        "linear",
        "polynomial",
        "cyclic",
    ];
    assert_eq!(listed, spec_table.iter().map(|s| s.to_string()).collect());
    for name in &listed {
        optbench::schedule::parse(name).unwrap();
    }
}

#[test]
fn every_problem_is_listed_and_parses_from_its_name() {
    let listed = listed_names("problems");
    let registered: BTreeSet<String> = optbench::problem::entries()
        .map(|e| e.name.to_string())
        .collect();
    assert_eq!(listed, registered);
    for name in [
        "rosenbrock",
        "beale",
        "himmelblau",
        "quadratic",
        "rastrigin",
        "saddle",
        "plateau",
        "linreg",
        "logreg2d",
        "sparse_logreg",
        "softmax",
        "mlp",
        "csv",
    ] {
        assert!(listed.contains(name), "{name}");
    }
    for name in &listed {
        if name == "csv" {
            // The one entry with a required key: its bare name says what is missing.
            let e = optbench::problem::parse(name).unwrap_err().to_string();
            assert!(e.contains("needs key 'path'"), "{e}");
            optbench::problem::parse("csv:path=data.csv").unwrap();
        } else {
            optbench::problem::parse(name).unwrap();
        }
    }
}

/// The optimizers' defaults (those of torch.optim and the reference packages), checked through the canonical spec string of each bare name.
#[test]
fn optimizer_defaults_are_the_documented_ones() {
    for (name, canonical) in [
        (
            "sgd",
            "sgd:lr=0.001,momentum=0.0,dampening=0.0,nesterov=false,weight_decay=0.0",
        ),
        (
            "momentum",
            "momentum:lr=0.01,beta=0.9,bias_correction=false",
        ),
        (
            "adagrad",
            "adagrad:lr=0.01,lr_decay=0.0,weight_decay=0.0,initial_accumulator_value=0.0,eps=1e-10,sqrt=true",
        ),
        (
            "adadelta",
            "adadelta:lr=1.0,rho=0.9,eps=1e-6,weight_decay=0.0",
        ),
        (
            "rmsprop",
            "rmsprop:lr=0.01,alpha=0.99,eps=1e-8,weight_decay=0.0,momentum=0.0,centered=false",
        ),
        (
            "rprop",
            "rprop:lr=0.01,eta_minus=0.5,eta_plus=1.2,step_min=1e-6,step_max=50.0",
        ),
        (
            "adam",
            "adam:lr=0.001,beta1=0.9,beta2=0.999,eps=1e-8,weight_decay=0.0,amsgrad=false",
        ),
        (
            "adamw",
            "adamw:lr=0.001,beta1=0.9,beta2=0.999,eps=1e-8,weight_decay=0.01,amsgrad=false",
        ),
        (
            "nadam",
            "nadam:lr=0.002,beta1=0.9,beta2=0.999,eps=1e-8,weight_decay=0.0,momentum_decay=0.004",
        ),
        (
            "radam",
            "radam:lr=0.001,beta1=0.9,beta2=0.999,eps=1e-8,weight_decay=0.0",
        ),
        (
            "adamax",
            "adamax:lr=0.002,beta1=0.9,beta2=0.999,eps=1e-8,weight_decay=0.0",
        ),
        (
            "lion",
            "lion:lr=0.0001,beta1=0.9,beta2=0.99,weight_decay=0.0",
        ),
        ("ars", "ars:lr=0.02,noise=0.03,directions=8"),
    ] {
        assert_eq!(
            optbench::optim::parse(name).unwrap().params.to_string(),
            canonical
        );
    }
}
