terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
  }

  # Partial configuration: iac-pr.yml and iac-apply.yml pass bucket, key and region per environment.
  backend "s3" {}
}
