"""mergekit 0.1.5's model architectures, by the class name in a model's config.json.

mergekit reads each input model's ``architectures`` and looks the name up in its
architecture definitions (mergekit/_data/architectures). Models whose names map to
different definitions cannot be merged without ``--allow-crimes``. Names that share
a definition (``LlamaForCausalLM`` and ``LLaMaForCausalLM``) map to the same one here.

Left out: names with more than one definition, between which mergekit chooses by the
config's ``model_type`` (``PhiForCausalLM``), and the mixture-of-experts names whose
definition is built from each config (``Glm4MoeForCausalLM``, ``AfmoeForCausalLM``).
A config with a model whose name is missing here is not checked.
"""

# Class name -> the name of its architecture definition.
DEFINITIONS = {
    "ApertusForCausalLM": "apertus",
    "ArceeForCausalLM": "arcee",
    "BaichuanForCausalLM": "baichuan",
    "BertForMaskedLM": "bert-masked-lm",
    "BertForMultipleChoice": "bert-sequence-classification",
    "BertForSequenceClassification": "bert-sequence-classification",
    "BertForTokenClassification": "bert-sequence-classification",
    "BertModel": "bert",
    "ChatGLMModel": "chatglm",
    "Cohere2ForCausalLM": "cohere2",
    "CohereForCausalLM": "cohere",
    "DistilBertForMaskedLM": "distilbert-masked-lm",
    "DistilBertForSequenceClassification": "distilbert-sequence-classification",
    "DistilBertForTokenClassification": "distilbert-token-classification",
    "DistilBertModel": "distilbert",
    "ExaoneForCausalLM": "exaone",
    "FalconForCausalLM": "falcon",
    "GPT2ForSequenceClassification": "gpt2-sequence-classification",
    "GPT2LMHeadModel": "gpt2",
    "GPTBigCodeForCausalLM": "gptbigcode",
    "GPTNeoXForCausalLM": "gpt-neox",
    "Gemma2ForCausalLM": "gemma2",
    "Gemma3ForCausalLM": "gemma3",
    "Gemma3ForConditionalGeneration": "gemma3vl",
    "GemmaForCausalLM": "gemma",
    "Glm4ForCausalLM": "glm4",
    "GraniteForCausalLM": "granite",
    "GraniteMoeHybridForCausalLM": "granite4moehybrid",
    "InternLM2ForCausalLM": "internlm2",
    "JAISLMHeadModel": "jais",
    "LLaMaForCausalLM": "llama",
    "Lfm2ForCausalLM": "lfm2",
    "Llama4ForConditionalGeneration": "llama4",
    "LlamaForCausalLM": "llama",
    "LlamaForSequenceClassification": "llama-sequence-classification",
    "MambaForCausalLM": "mamba",
    "Mistral3ForConditionalGeneration": "mistral3",
    "MistralForCausalLM": "mistral",
    "MixFormerSequentialForCausalLM": "phi-1",
    "MixtralForCausalLM": "mixtral",
    "Olmo2ForCausalLM": "olmo2",
    "Phi3ForCausalLM": "phi3",
    "Phi3SmallForCausalLM": "phi3-small",
    "QWenLMHeadModel": "qwen",
    "Qwen2ForCausalLM": "qwen2",
    "Qwen2VLForConditionalGeneration": "qwen2_vl",
    "Qwen2_5_VLForConditionalGeneration": "qwen2_5_vl",
    "Qwen3ForCausalLM": "qwen3",
    "Qwen3MoeForCausalLM": "qwen3_moe",
    "Qwen3VLForConditionalGeneration": "qwen3_vl_dense",
    "Qwen3VLMoeForConditionalGeneration": "qwen3_vl",
    "RobertaForMaskedLM": "roberta-masked-lm",
    "RobertaForSequenceClassification": "roberta-sequence-classification",
    "RobertaForTokenClassification": "roberta-token-classification",
    "RobertaModel": "roberta",
    "SolarForCausalLM": "solar",
    "StableLMEpochForCausalLM": "stablelm",
    "StableLmForCausalLM": "stablelm2",
    "Starcoder2ForCausalLM": "starcoder2",
    "T5ForConditionalGeneration": "t5",
    "WhisperForConditionalGeneration": "whisper",
    "_AfmoePartialForCausalLM": "afmoe_partial",
}
