"""Stand-in for peft 0.13 (not packaged by Debian) for the offline rehearsal of the export: the LoRA calls dreamsim
0.2.1 and export_dreamsim.py make, nothing else. LoRA on a Linear: y = W x + b + (B A x) * lora_alpha / r.
Adapters load from ADAPTER_DIR/adapter_model.bin with peft's key names ('base_model.model.<module>.lora_A.weight')."""
import json
import os

import torch

__version__ = '0.13.2'


class LoraConfig:
    def __init__(self, r, lora_alpha, lora_dropout=0.0, bias='none', target_modules=()):
        self.r, self.lora_alpha, self.target_modules = r, lora_alpha, list(target_modules)


class LoraLinear(torch.nn.Module):
    def __init__(self, base, config):
        super().__init__()
        self.base_layer = base
        self.lora_A = torch.nn.Linear(base.in_features, config.r, bias=False)
        self.lora_B = torch.nn.Linear(config.r, base.out_features, bias=False)
        torch.nn.init.zeros_(self.lora_B.weight)  # as peft: a fresh adapter changes nothing
        self.scaling = config.lora_alpha / config.r

    def forward(self, x):
        return self.base_layer(x) + self.lora_B(self.lora_A(x)) * self.scaling

    def merged(self):
        with torch.no_grad():
            self.base_layer.weight += (self.lora_B.weight @ self.lora_A.weight) * self.scaling
        return self.base_layer


def _inject(model, config):
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, torch.nn.Linear) and child_name in config.target_modules:
                setattr(module, child_name, LoraLinear(child, config))


class _LoraModel(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model


class PeftModel(torch.nn.Module):
    def __init__(self, model, config):
        super().__init__()
        if not any(isinstance(m, LoraLinear) for m in model.modules()):
            _inject(model, config)
        self.base_model = _LoraModel(model)

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self.base_model.model, name)

    def forward(self, *args, **kwargs):
        return self.base_model.model(*args, **kwargs)

    @classmethod
    def from_pretrained(cls, model, adapter_dir):
        with open(os.path.join(adapter_dir, 'adapter_config.json')) as f:
            c = json.load(f)
        peft = cls(model, LoraConfig(c['r'], c['lora_alpha'], c['lora_dropout'], c['bias'], c['target_modules']))
        weights = torch.load(os.path.join(adapter_dir, 'adapter_model.bin'), map_location='cpu')
        missing = peft.load_state_dict(weights, strict=False).missing_keys
        if any('lora_' in k for k in missing):
            raise RuntimeError(f'{adapter_dir}: adapter weights missing for {[k for k in missing if "lora_" in k]}')
        return peft

    def merge_and_unload(self):
        model = self.base_model.model
        for name, module in list(model.named_modules()):
            for child_name, child in list(module.named_children()):
                if isinstance(child, LoraLinear):
                    setattr(module, child_name, child.merged())
        return model


def get_peft_model(model, config):
    return PeftModel(model, config)
