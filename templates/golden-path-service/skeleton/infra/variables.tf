variable "region" {
  description = "AWS region of the environment."
  type        = string
  default     = "eu-west-1"
}

variable "environment" {
  description = "Environment name (one of infra/environments/*.tfvars)."
  type        = string
}

variable "service" {
  description = "Service name; prefixes every resource."
  type        = string
  default     = "${{ values.name }}"
}

variable "owner" {
  description = "Owning team, written to the mandatory owner tag."
  type        = string
}

variable "cost_center" {
  description = "Cost center, written to the mandatory cost_center tag."
  type        = string

  validation {
    condition     = contains(["cc-platform", "cc-payments", "cc-web", "cc-data", "cc-research"], var.cost_center)
    error_message = "cost_center must be one of the platform's cost centers."
  }
}

variable "tier" {
  description = "Service tier (tier-0 .. tier-3)."
  type        = string
}
